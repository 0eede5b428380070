# RFC 9051 §6.4.4.1 / RFC 5182 SEARCHRES: RETURN (SAVE) alone sends no ESEARCH; "$"
# then stands for the saved result in FETCH, SEARCH and UID commands.
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
C: s1 SEARCH RETURN (SAVE) OR FLAGGED ANSWERED
S: s1 OK ~
C: s2 FETCH $ (UID)
S: * 2 FETCH (UID 2)
S: * 3 FETCH (UID 3)
S: s2 OK ~
C: s3 UID SEARCH RETURN (ALL) $ SMALLER 529
S: * ESEARCH (TAG "s3") UID ALL 2
S: s3 OK ~
C: s4 UID SEARCH $
S: * SEARCH 2 3
S: s4 OK ~
C: s5 SEARCH RETURN (SAVE MIN) UNSEEN
S: * ESEARCH (TAG "s5") MIN 2
S: s5 OK ~
C: s6 UID FETCH $ (FLAGS)
S: * 2 FETCH (UID 2 FLAGS (\Flagged \Recent))
S: s6 OK ~
