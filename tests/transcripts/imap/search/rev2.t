# RFC 9051 §6.4.4: after ENABLE IMAP4rev2 every SEARCH answers with ESEARCH (§7.3.4),
# a plain SEARCH as if RETURN (ALL).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX simple.eml flags=\Seen date="01-Mar-2020 12:00:00 +0000"
@append alice INBOX alternative.eml flags=\Flagged date="02-Mar-2020 12:00:00 +0000"
@append alice INBOX attachment.eml flags=\Answered,\Seen date="03-Mar-2020 12:00:00 +0000"
@append alice INBOX forwarded.eml flags=\Deleted,$Work date="04-Mar-2020 12:00:00 +0000"
@append alice INBOX plain2.eml date="05-Mar-2020 12:00:00 +0000"
C: e1 ENABLE IMAP4rev2
S: * ENABLED IMAP4rev2
S: e1 OK ~
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: s1 SEARCH UNSEEN
S: * ESEARCH (TAG "s1") ALL 2,4:5
S: s1 OK ~
C: s2 UID SEARCH SEEN
S: * ESEARCH (TAG "s2") UID ALL 1,3
S: s2 OK ~
C: s3 SEARCH DRAFT
S: * ESEARCH (TAG "s3")
S: s3 OK ~
