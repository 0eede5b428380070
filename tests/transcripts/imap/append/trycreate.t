# RFC 9051 §6.3.12: appending to a missing mailbox is NO [TRYCREATE].
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 APPEND nope {322+}
C: Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)
C: From: Fred Foobar <foobar@Blurdybloop.example>
C: Subject: afternoon meeting
C: To: mooch@owatagu.siam.example
C: Message-Id: <B27397-0100000@Blurdybloop.example>
C: MIME-Version: 1.0
C: Content-Type: TEXT/PLAIN; CHARSET=US-ASCII
C:
C: Hello Joe, do you think we can meet at 3:30 tomorrow?
C:
S: a2 NO [TRYCREATE] ~
