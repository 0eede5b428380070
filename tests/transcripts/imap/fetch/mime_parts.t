# RFC 9051 §6.4.5: part numbers, [n.MIME] (the part's own header), [n] (its body).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX alternative.eml date="01-Mar-2020 12:00:00 +0000"
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 FETCH 1 BODY.PEEK[1]
S: * 1 FETCH (BODY[1] {28}
S: Shall we have lunch at noon?)
S: a3 OK ~
C: a4 FETCH 1 BODY.PEEK[2.MIME]
S: * 1 FETCH (BODY[2.MIME] {75}
S: Content-Type: TEXT/HTML; CHARSET=UTF-8
S: Content-Transfer-Encoding: 7BIT
S:
S: )
S: a4 OK ~
C: a5 FETCH 1 BODY.PEEK[2]
S: * 1 FETCH (BODY[2] {42}
S: <p>Shall we have lunch at <b>noon</b>?</p>)
S: a5 OK ~
C: a6 FETCH 1 BODY.PEEK[3]
S: * 1 FETCH (BODY[3] NIL)
S: a6 OK ~
