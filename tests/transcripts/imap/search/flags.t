# RFC 9051 §6.4.4 flag keys; RFC 3501 RECENT/NEW/OLD (a rev1 session that SELECTed
# sees every message as recent).
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
C: s1 SEARCH ALL
S: * SEARCH 1 2 3 4 5
S: s1 OK ~
C: s2 SEARCH SEEN
S: * SEARCH 1 3
S: s2 OK ~
C: s3 SEARCH UNSEEN
S: * SEARCH 2 4 5
S: s3 OK ~
C: s4 SEARCH FLAGGED
S: * SEARCH 2
S: s4 OK ~
C: s5 SEARCH UNFLAGGED
S: * SEARCH 1 3 4 5
S: s5 OK ~
C: s6 SEARCH ANSWERED
S: * SEARCH 3
S: s6 OK ~
C: s7 SEARCH UNANSWERED
S: * SEARCH 1 2 4 5
S: s7 OK ~
C: s8 SEARCH DELETED
S: * SEARCH 4
S: s8 OK ~
C: s9 SEARCH UNDELETED
S: * SEARCH 1 2 3 5
S: s9 OK ~
C: s10 SEARCH DRAFT
S: * SEARCH
S: s10 OK ~
C: s11 SEARCH UNDRAFT
S: * SEARCH 1 2 3 4 5
S: s11 OK ~
C: s12 SEARCH KEYWORD $Work
S: * SEARCH 4
S: s12 OK ~
C: s13 SEARCH UNKEYWORD $Work
S: * SEARCH 1 2 3 5
S: s13 OK ~
C: s14 SEARCH KEYWORD $Other
S: * SEARCH
S: s14 OK ~
C: s15 SEARCH RECENT
S: * SEARCH 1 2 3 4 5
S: s15 OK ~
C: s16 SEARCH NEW
S: * SEARCH 2 4 5
S: s16 OK ~
C: s17 SEARCH OLD
S: * SEARCH
S: s17 OK ~
