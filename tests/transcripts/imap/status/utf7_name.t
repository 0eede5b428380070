# RFC 3501 §5.1.3: STATUS answers with the name in the client's form.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 CREATE "&AMk-t&AOk-"
S: a2 OK ~
C: a3 STATUS "&AMk-t&AOk-" (MESSAGES)
S: * STATUS "&AMk-t&AOk-" (MESSAGES 0)
S: a3 OK ~
