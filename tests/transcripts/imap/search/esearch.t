# RFC 9051 §6.4.4 / RFC 4731 ESEARCH: RETURN (MIN MAX COUNT ALL); an empty RETURN ()
# means ALL; no match still answers ESEARCH (without MIN/MAX/ALL; COUNT is always there).
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
C: s1 SEARCH RETURN (MIN COUNT) UNSEEN
S: * ESEARCH (TAG "s1") MIN 2 COUNT 3
S: s1 OK ~
C: s2 SEARCH RETURN () SEEN
S: * ESEARCH (TAG "s2") ALL 1,3
S: s2 OK ~
C: s3 SEARCH RETURN (MAX) ALL
S: * ESEARCH (TAG "s3") MAX 5
S: s3 OK ~
C: s4 UID SEARCH RETURN (MIN MAX) 1:5000
S: * ESEARCH (TAG "s4") UID MIN 1 MAX 5
S: s4 OK ~
C: s5 SEARCH RETURN (COUNT) DRAFT
S: * ESEARCH (TAG "s5") COUNT 0
S: s5 OK ~
C: s6 SEARCH RETURN (MIN MAX ALL) DRAFT
S: * ESEARCH (TAG "s6")
S: s6 OK ~
C: s7 UID SEARCH RETURN (ALL) UNSEEN
S: * ESEARCH (TAG "s7") UID ALL 2,4:5
S: s7 OK ~
C: s8 SEARCH RETURN (ALL) 1:3
S: * ESEARCH (TAG "s8") ALL 1:3
S: s8 OK ~
