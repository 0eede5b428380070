# The command sequence Thunderbird sends when it opens an account, reads a message,
# marks it read, moves another to Trash and idles (shape taken from its IMAP log).
@user alice secret
@append alice INBOX simple.eml date="01-Mar-2020 12:00:00 +0000"
@append alice INBOX plain2.eml date="02-Mar-2020 12:00:00 +0000"
S: * OK [CAPABILITY ~
C: 1 capability
S: * CAPABILITY IMAP4rev1 IMAP4rev2 ~
S: 1 OK ~
C: 2 login "alice" "secret"
S: 2 OK ~
C: 3 namespace
S: * NAMESPACE (("" "/")) NIL NIL
S: 3 OK ~
C: 4 enable UTF8=ACCEPT
S: * ENABLED~
S: 4 OK ~
C: 5 list (subscribed) "" "*" return (special-use)
S: ...
S: 5 OK ~
C: 6 list "" "*" return (special-use subscribed)
S*: * LIST (\HasNoChildren \Subscribed) "/" "INBOX"
S*: * LIST (\HasNoChildren \Subscribed \Drafts) "/" "Drafts"
S*: * LIST (\HasNoChildren \Subscribed \Sent) "/" "Sent"
S*: * LIST (\HasNoChildren \Subscribed \Trash) "/" "Trash"
S*: * LIST (\HasNoChildren \Subscribed \Junk) "/" "Junk"
S*: * LIST (\HasNoChildren \Subscribed \Archive) "/" "Archive"
S: 6 OK ~
C: 7 select "INBOX"
S*: * 2 EXISTS
S*: * 2 RECENT
S*: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S*: * OK [MAILBOXID ~
S*: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] ~
S*: * OK [UNSEEN 1] ~
S*: * OK [UIDVALIDITY $uv] ~
S*: * OK [UIDNEXT 3] ~
S: 7 OK [READ-WRITE] ~
C: 8 UID fetch 1:* (FLAGS)
S: * 1 FETCH (UID 1 FLAGS (\Recent))
S: * 2 FETCH (UID 2 FLAGS (\Recent))
S: 8 OK ~
C: 9 UID fetch 1:* (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From To Cc Bcc Subject Date Message-ID Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To)])
S: ...
S: 9 OK ~
C: 10 UID fetch 1:* (UID FLAGS BODY.PEEK[HEADER.FIELDS (From To Subject Date Message-ID)])
S: * 1 FETCH (UID 1 FLAGS (\Recent) BODY[HEADER.FIELDS (From To Subject Date Message-ID)] {198}
S: Date: Mon, 7 Feb 1994 21:52:25 -0800
S: From: Fred Foobar <foobar@Blurdybloop.example>
S: Subject: afternoon meeting
S: To: mooch@owatagu.siam.example
S: Message-Id: <B27397-0100000@Blurdybloop.example>
S:
S: )
S: * 2 FETCH (UID 2 FLAGS (\Recent) BODY[HEADER.FIELDS (From To Subject Date Message-ID)] {159}
S: Date: Fri, 11 Feb 1994 08:00:00 +0000
S: From: Bob Example <bob@example.org>
S: To: alice@example.org
S: Subject: Re: Lunch plans
S: Message-Id: <re-1@example.org>
S:
S: )
S: 10 OK ~
C: 11 UID fetch 1 (UID RFC822.SIZE BODY.PEEK[])
S: * 1 FETCH (UID 1 RFC822.SIZE 349 BODY[] {349}
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
S: )
S: 11 OK ~
C: 12 uid store 1 +Flags (\Seen)
S: * 1 FETCH (UID 1 FLAGS (\Seen \Recent))
S: 12 OK ~
C: 13 UID move 2 "Trash"
S: * OK [COPYUID $trashuv 2 1] ~
S: * 2 EXPUNGE
S: 13 OK ~
C: 14 IDLE
S: + ~
C2: b1 LOGIN alice secret
S2: b1 OK ~
C2: b2 APPEND INBOX {26+}
C2: Subject: hi
C2:
C2: just a test
S2: b2 OK [APPENDUID $uv 3] ~
S: * 2 EXISTS
S: * 2 RECENT
C: DONE
S: 14 OK ~
C: 15 UID fetch 3:* (FLAGS)
S: * 2 FETCH (UID 3 FLAGS (\Recent))
S: 15 OK ~
C: 16 logout
S: * BYE ~
S: 16 OK ~
@closed
