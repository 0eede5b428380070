# RFC 9051 §6.3.12: flags and an internal date given with APPEND are kept.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: A003 APPEND INBOX (\Flagged $Work) "17-Jul-1996 02:44:25 -0700" {322+}
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
C: a4 EXAMINE INBOX
S: ...
S: a4 OK [READ-ONLY] ~
C: a5 FETCH 1 (FLAGS INTERNALDATE RFC822.SIZE)
S: * 1 FETCH (FLAGS (\Flagged $Work \Recent) INTERNALDATE "17-Jul-1996 02:44:25 -0700" RFC822.SIZE 322)
S: a5 OK ~
