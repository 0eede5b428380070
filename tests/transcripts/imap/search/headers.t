# RFC 9051 §6.4.4 header keys: case-insensitive substring matches.
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
C: s1 SEARCH FROM alice
S: * SEARCH 2
S: s1 OK ~
C: s2 SEARCH FROM "Fred Foobar"
S: * SEARCH 1
S: s2 OK ~
C: s3 SEARCH TO alice
S: * SEARCH 3 4 5
S: s3 OK ~
C: s4 SEARCH CC dave
S: * SEARCH 2
S: s4 OK ~
C: s5 SEARCH BCC anybody
S: * SEARCH
S: s5 OK ~
C: s6 SEARCH SUBJECT lunch
S: * SEARCH 2 5
S: s6 OK ~
C: s7 SEARCH SUBJECT "AFTERNOON MEETING"
S: * SEARCH 1 4
S: s7 OK ~
C: s8 SEARCH HEADER Message-Id "<att-1@"
S: * SEARCH 3
S: s8 OK ~
C: s9 SEARCH HEADER In-Reply-To ""
S: * SEARCH 5
S: s9 OK ~
C: s10 SEARCH HEADER X-Nothing ""
S: * SEARCH
S: s10 OK ~
