# RFC 3501 §6.3.9: with "%", a subscribed child whose parent is not subscribed shows the
# parent as \Noselect.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 CREATE news/comp
S: a2 OK ~
C: a3 SUBSCRIBE news/comp
S: a3 OK ~
C: a4 LSUB "" "news%"
S: * LSUB (\Noselect) "/" "news"
S: a4 OK ~
C: a5 LSUB "" "news/%"
S: * LSUB () "/" "news/comp"
S: a5 OK ~
