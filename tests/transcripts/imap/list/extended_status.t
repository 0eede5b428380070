# RFC 5258 + RFC 5819: RETURN (SPECIAL-USE SUBSCRIBED CHILDREN STATUS (MESSAGES)) in one.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice Sent simple.eml
C: a2 LIST "" "S%" RETURN (SPECIAL-USE SUBSCRIBED CHILDREN STATUS (MESSAGES UNSEEN))
S: * LIST (\HasNoChildren \Subscribed \Sent) "/" "Sent"
S: * STATUS "Sent" (MESSAGES 1 UNSEEN 1)
S: a2 OK ~
