# RFC 5258 §3: several patterns in parentheses.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 LIST "" ("INBOX" "Sent")
S*: * LIST (\HasNoChildren) "/" "INBOX"
S*: * LIST (\HasNoChildren \Sent) "/" "Sent"
S: a2 OK ~
