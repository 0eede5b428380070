# RFC 9051 §6.4.4: sequence sets, UID sets, NOT, OR, parentheses, implicit AND.
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
C: s1 SEARCH 2:4
S: * SEARCH 2 3 4
S: s1 OK ~
C: s2 SEARCH 4:2
S: * SEARCH 2 3 4
S: s2 OK ~
C: s3 SEARCH UID 3:*
S: * SEARCH 3 4 5
S: s3 OK ~
C: s4 SEARCH *
S: * SEARCH 5
S: s4 OK ~
C: s5 SEARCH NOT SEEN
S: * SEARCH 2 4 5
S: s5 OK ~
C: s6 SEARCH OR SEEN FLAGGED
S: * SEARCH 1 2 3
S: s6 OK ~
C: s7 SEARCH SEEN ANSWERED
S: * SEARCH 3
S: s7 OK ~
C: s8 SEARCH (OR FROM alice FROM bob) UNSEEN
S: * SEARCH 2 5
S: s8 OK ~
C: s9 SEARCH NOT (OR SEEN DELETED)
S: * SEARCH 2 5
S: s9 OK ~
C: s10 UID SEARCH 1:2
S: * SEARCH 1 2
S: s10 OK ~
C: s11 UID SEARCH SUBJECT lunch
S: * SEARCH 2 5
S: s11 OK ~
C: s12 SEARCH FROBNICATE
S: s12 BAD ~
C: s13 SEARCH OR SEEN
S: s13 BAD ~
