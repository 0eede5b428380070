# RFC 9051 §6.4.4 BODY (body only) and TEXT (header and body), case-insensitive. The
# forwarded message (4) matches "noon" through the "afternoon" of its attached header.
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
C: s1 SEARCH BODY noon
S: * SEARCH 2 4 5
S: s1 OK ~
C: s2 SEARCH BODY "Hello Joe"
S: * SEARCH 1 4
S: s2 OK ~
C: s3 SEARCH TEXT Fred
S: * SEARCH 1 4
S: s3 OK ~
C: s4 SEARCH TEXT "Lunch plans"
S: * SEARCH 2 5
S: s4 OK ~
C: s5 SEARCH BODY Lunch plans
S: s5 BAD ~
C: s6 SEARCH CHARSET UTF-8 BODY noon
S: * SEARCH 2 4 5
S: s6 OK ~
C: s7 SEARCH CHARSET US-ASCII TEXT cafe
S: * SEARCH 5
S: s7 OK ~
