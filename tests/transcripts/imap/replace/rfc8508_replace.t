# RFC 8508 §3.2 and §3.3 examples: REPLACE and UID REPLACE in the selected mailbox.
@user alice secret
@append alice Drafts draft.eml
@append alice Drafts draft.eml
@append alice Drafts draft.eml
@append alice Drafts draft.eml
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 SELECT Drafts
S: ...
S: a2 OK [READ-WRITE] ~
C: A003 REPLACE 4 Drafts (\Seen \Draft) {58+}
C: Subject: happy new year !!
C: 
C: Just saw the best fireworks.
S: * OK [APPENDUID $uv 5] Replacement Message ready
S*: * 4 EXPUNGE
S*: * 4 EXISTS
S*: * 4 RECENT
S: A003 OK ~
C: A004 UID REPLACE 5 Drafts (\Seen \Draft) {36+}
C: Subject: happy new year !!
C: 
C: Again.
S: * OK [APPENDUID $uv 6] Replacement Message ready
S*: * 4 EXPUNGE
S*: * 4 EXISTS
S*: * 4 RECENT
S: A004 OK ~
C: A005 UID FETCH 6 (FLAGS)
S: * 4 FETCH (UID 6 FLAGS (\Seen \Draft ~
S: A005 OK ~
