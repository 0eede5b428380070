# RFC 9051 §6.4.5: inside a MESSAGE/RFC822 part, [2.HEADER] and [2.TEXT] are the
# encapsulated message's header and body; [2.1] is its (single) body part; [2.MIME] the
# part header in the outer message.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX forwarded.eml date="01-Mar-2020 12:00:00 +0000"
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 FETCH 1 BODY.PEEK[2.HEADER]
S: * 1 FETCH (BODY[2.HEADER] {212}
S: From: Fred Foobar <foobar@Blurdybloop.example>
S: Subject: afternoon meeting
S: Date: Mon, 7 Feb 1994 21:52:25 -0800
S: MIME-Version: 1.0
S: Content-Type: TEXT/PLAIN; CHARSET=US-ASCII
S: Content-Transfer-Encoding: 7BIT
S:
S: )
S: a3 OK ~
C: a4 FETCH 1 BODY.PEEK[2.TEXT]
S: * 1 FETCH (BODY[2.TEXT] {10}
S: Hello Joe.)
S: a4 OK ~
C: a5 FETCH 1 BODY.PEEK[2.1]
S: * 1 FETCH (BODY[2.1] {10}
S: Hello Joe.)
S: a5 OK ~
C: a6 FETCH 1 BODY.PEEK[2.MIME]
S: * 1 FETCH (BODY[2.MIME] {32}
S: Content-Type: MESSAGE/RFC822
S:
S: )
S: a6 OK ~
C: a7 FETCH 1 BODY.PEEK[2]
S: * 1 FETCH (BODY[2] {222}
S: From: Fred Foobar <foobar@Blurdybloop.example>
S: Subject: afternoon meeting
S: Date: Mon, 7 Feb 1994 21:52:25 -0800
S: MIME-Version: 1.0
S: Content-Type: TEXT/PLAIN; CHARSET=US-ASCII
S: Content-Transfer-Encoding: 7BIT
S:
S: Hello Joe.)
S: a7 OK ~
