# RFC 9051 §6.4.5: HEADER.FIELDS.NOT returns all fields but the named ones.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX alternative.eml date="01-Mar-2020 12:00:00 +0000"
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 FETCH 1 BODY.PEEK[HEADER.FIELDS.NOT (Date From To Cc Subject Message-Id)]
S: * 1 FETCH (BODY[HEADER.FIELDS.NOT (Date From To Cc Subject Message-Id)] {73}
S: MIME-Version: 1.0
S: Content-Type: MULTIPART/ALTERNATIVE; BOUNDARY="b1"
S:
S: )
S: a3 OK ~
