# RFC 9051 §6.3.3: in a read-only mailbox FETCH BODY[] does not set \Seen.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX plain2.eml
C: a2 EXAMINE INBOX
S: ...
S: a2 OK [READ-ONLY] ~
C: a3 FETCH 1 BODY[TEXT]
S: * 1 FETCH (BODY[TEXT] {34}
S: Noon works. See you at the cafe.
S: )
S: a3 OK ~
C: a4 FETCH 1 FLAGS
S: * 1 FETCH (FLAGS (\Recent))
S: a4 OK ~
