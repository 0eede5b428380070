# RFC 9051 §6.3.12 example: a synchronizing literal gets "+" before the data; the OK
# carries APPENDUID (RFC 4315 §3, part of IMAP4rev2).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 CREATE saved-messages
S: a2 OK ~
C: A003 APPEND saved-messages (\Seen) {322}
S: + ~
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
S: A003 OK [APPENDUID $uv 1] ~
C: a4 STATUS saved-messages (MESSAGES UIDVALIDITY UIDNEXT UNSEEN)
S: * STATUS "saved-messages" (MESSAGES 1 UIDVALIDITY $uv UIDNEXT 2 UNSEEN 0)
S: a4 OK ~
