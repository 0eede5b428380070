# RFC 8474 §5.3 and §6 examples: EMAILID/THREADID by FETCH, kept by MOVE; SEARCH by both.
@user alice secret
@append alice INBOX a.eml
@append alice INBOX b.eml
@append alice INBOX c.eml
@create alice foo
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: 22 fetch 1:* (emailid threadid)
S: * 1 FETCH (EMAILID ($ea) THREADID ($ta))
S: * 2 FETCH (EMAILID ($eb) THREADID ($ta))
S: * 3 FETCH (EMAILID ($ec) THREADID ($tc))
S: 22 OK ~
C: 27 search emailid $ea
S: * SEARCH 1
S: 27 OK ~
C: 28 search threadid $ta
S: * SEARCH 1 2
S: 28 OK ~
C: 23 move 2 foo
S: * OK [COPYUID ~
S: * 2 EXPUNGE
S: 23 OK ~
C: 24 fetch 1:* (emailid threadid)
S: * 1 FETCH (EMAILID ($ea) THREADID ($ta))
S: * 2 FETCH (EMAILID ($ec) THREADID ($tc))
S: 24 OK ~
C: 25 select "foo"
S: ...
S: 25 OK [READ-WRITE] ~
C: 26 fetch 1:* (emailid threadid)
S: * 1 FETCH (EMAILID ($eb) THREADID ($ta))
S: 26 OK ~
