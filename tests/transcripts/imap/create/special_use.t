# RFC 6154 §3 CREATE-SPECIAL-USE: CREATE name (USE (\attr)).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: t1 CREATE MySpecial (USE (\Flagged))
S: t1 OK ~
C: t2 LIST "" MySpecial
S: * LIST (\HasNoChildren \Flagged) "/" "MySpecial"
S: t2 OK ~
