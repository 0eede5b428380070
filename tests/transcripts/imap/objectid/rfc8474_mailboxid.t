# RFC 8474 §4.1-§4.3: MAILBOXID on CREATE, STATUS (stable across RENAME), SELECT and
# LIST RETURN (STATUS (MAILBOXID)).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: 3 create foo
S: 3 OK [MAILBOXID ($foo)] ~
C: 4 create bar
S: 4 OK [MAILBOXID ($bar)] ~
C: 5 create foo
S: 5 NO ~
C: 6 status foo (mailboxid)
S: * STATUS "foo" (MAILBOXID ($foo))
S: 6 OK ~
C: 8 rename foo renamed
S: 8 OK ~
C: 9 status renamed (mailboxid)
S: * STATUS "renamed" (MAILBOXID ($foo))
S: 9 OK ~
C: 10 status bar (mailboxid)
S: * STATUS "bar" (MAILBOXID ($bar))
S: 10 OK ~
C: 11 list "" "bar" return (status (mailboxid))
S: * LIST (\HasNoChildren) "/" "bar"
S: * STATUS "bar" (MAILBOXID ($bar))
S: 11 OK ~
C: 27 select "renamed"
S: ...
S: * OK [MAILBOXID ($foo)] Ok
S: ...
S: 27 OK [READ-WRITE] ~
