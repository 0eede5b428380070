# RFC 9051 §6.4.4: BEFORE/ON/SINCE use the internal date, SENTBEFORE/SENTON/SENTSINCE
# the Date: header (both ignoring time and timezone); LARGER/SMALLER the RFC822.SIZE.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX simple.eml flags=\Seen date="01-Mar-2020 12:00:00 +0000"
@append alice INBOX alternative.eml flags=\Flagged date="02-Mar-2020 12:00:00 +0000"
@append alice INBOX attachment.eml flags=\Answered,\Seen date="03-Mar-2020 12:00:00 +0000"
@append alice INBOX forwarded.eml flags=\Deleted,$Work date="04-Mar-2020 12:00:00 +0000"
@append alice INBOX plain2.eml date="05-Mar-2020 12:00:00 +0000"
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: s1 SEARCH BEFORE 3-Mar-2020
S: * SEARCH 1 2
S: s1 OK ~
C: s2 SEARCH ON 3-Mar-2020
S: * SEARCH 3
S: s2 OK ~
C: s3 SEARCH SINCE 4-Mar-2020
S: * SEARCH 4 5
S: s3 OK ~
C: s4 SEARCH SENTBEFORE 9-Feb-1994
S: * SEARCH 1 2
S: s4 OK ~
C: s5 SEARCH SENTON 9-Feb-1994
S: * SEARCH 3
S: s5 OK ~
C: s6 SEARCH SENTSINCE 10-Feb-1994
S: * SEARCH 4 5
S: s6 OK ~
C: s7 SEARCH LARGER 500
S: * SEARCH 2 3 4
S: s7 OK ~
C: s8 SEARCH SMALLER 400
S: * SEARCH 1 5
S: s8 OK ~
C: s9 SEARCH ON 32-Mar-2020
S: s9 BAD ~
