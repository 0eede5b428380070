# RFC 5465 §3.1 example: STATUS indicator, a delivery to a watched mailbox reported as
# STATUS, and one to the selected mailbox as a FETCH with MessageNew's items; all while
# no command is in progress. Connection 2 is another device of the same user.
@user bob alice
@create bob "Lists/Lemonade"
@create bob "Lists/Im2000"
C: a login bob alice
S: a OK ~
C: c select inbox
S: ...
S: c OK [READ-WRITE] ~
C: b notify set status (selected MessageNew (uid body.peek[header.fields (from to subject)]) MessageExpunge) (subtree Lists MessageNew MessageExpunge)
S*: * STATUS "Lists" (MESSAGES 0 UIDNEXT 1 UIDVALIDITY $v1)
S*: * STATUS "Lists/Im2000" (MESSAGES 0 UIDNEXT 1 UIDVALIDITY $v2)
S*: * STATUS "Lists/Lemonade" (MESSAGES 0 UIDNEXT 1 UIDVALIDITY $v3)
S: b OK ~
C2: x login bob alice
S2: x OK ~
C2: y APPEND Lists/Lemonade {28+}
C2: Subject: good morning
C2:
C2: x
C2:
S2: y OK ~
S: * STATUS "Lists/Lemonade" (MESSAGES 1 UIDNEXT 2)
C2: z APPEND INBOX {78+}
C2: Subject: Re: good morning
C2: From: alice@example.org
C2: To: bob@example.org
C2:
C2: x
C2:
S2: z OK ~
S: * 1 EXISTS
S: * 1 RECENT
S: * 1 FETCH (UID 1 BODY[HEADER.FIELDS (from to subject)] {75}
S: Subject: Re: good morning
S: From: alice@example.org
S: To: bob@example.org
S:
S: )
C: d notify none
S: d OK ~
C: e logout
S: * BYE ~
S: e OK ~
