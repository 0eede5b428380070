# RFC 7162 §3.1.7 Example 17: STATUS HIGHESTMODSEQ.
@user alice secret
@create alice blurdybloop
@append alice blurdybloop plain2.eml
C: a1 LOGIN alice secret
S: a1 OK ~
C: A042 STATUS blurdybloop (UIDNEXT MESSAGES HIGHESTMODSEQ)
S: * STATUS "blurdybloop" (UIDNEXT 2 MESSAGES 1 HIGHESTMODSEQ 2)
S: A042 OK ~
