# RFC 9051 §6.3.9: LIST "" "" returns the hierarchy delimiter and root name.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: A101 LIST "" ""
S: * LIST (\Noselect) "/" ""
S: A101 OK ~
