# RFC 3501 §6.4.5: RFC822 (= BODY[], sets \Seen), RFC822.HEADER (= BODY.PEEK[HEADER]),
# RFC822.TEXT (= BODY[TEXT], sets \Seen).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX simple.eml date="01-Mar-2020 12:00:00 +0000"
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 FETCH 1 RFC822.HEADER
S: * 1 FETCH (RFC822.HEADER {294}
S: Date: Mon, 7 Feb 1994 21:52:25 -0800
S: From: Fred Foobar <foobar@Blurdybloop.example>
S: Subject: afternoon meeting
S: To: mooch@owatagu.siam.example
S: Message-Id: <B27397-0100000@Blurdybloop.example>
S: MIME-Version: 1.0
S: Content-Type: TEXT/PLAIN; CHARSET=US-ASCII
S: Content-Transfer-Encoding: 7BIT
S:
S: )
S: a3 OK ~
C: a4 FETCH 1 RFC822.SIZE
S: * 1 FETCH (RFC822.SIZE 349)
S: a4 OK ~
C: a5 FETCH 1 RFC822
S: * 1 FETCH (RFC822 {349}
S: Date: Mon, 7 Feb 1994 21:52:25 -0800
S: From: Fred Foobar <foobar@Blurdybloop.example>
S: Subject: afternoon meeting
S: To: mooch@owatagu.siam.example
S: Message-Id: <B27397-0100000@Blurdybloop.example>
S: MIME-Version: 1.0
S: Content-Type: TEXT/PLAIN; CHARSET=US-ASCII
S: Content-Transfer-Encoding: 7BIT
S:
S: Hello Joe, do you think we can meet at 3:30 tomorrow?
S:  FLAGS (\Seen \Recent))
S: a5 OK ~
