# RFC 9051 §6.4.5: HEADER.FIELDS returns a field with its folding (continuation lines);
# ENVELOPE unfolds (RFC 5322 §2.2.3: unfolding removes the CRLF).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX folded.eml
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 FETCH 1 BODY.PEEK[HEADER.FIELDS (SUBJECT)]
S: * 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {54}
S: Subject: a subject that is
S:  folded over two lines
S:
S: )
S: a3 OK ~
C: a4 FETCH 1 ENVELOPE
S: * 1 FETCH (ENVELOPE ("Sun, 13 Feb 1994 10:00:00 +0000" "a subject that is folded over two lines" ~
S: a4 OK ~
