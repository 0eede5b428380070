# RFC 8514 SAVEDATE: the save date is when the message was saved here, not its internal
# date; SAVEDATESUPPORTED matches every message of a mailbox with save dates.
@user alice secret
@append alice INBOX simple.eml date="28-Dec-2014 12:00:00 +0100"
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: A101 FETCH 1 (INTERNALDATE)
S: * 1 FETCH (INTERNALDATE "28-Dec-2014 12:00:00 +0100")
S: A101 OK ~
C: A102 SEARCH SAVEDON 28-Dec-2014
S: * SEARCH
S: A102 OK ~
C: A103 SEARCH SAVEDSINCE 28-Dec-2014
S: * SEARCH 1
S: A103 OK ~
C: A104 SEARCH SAVEDBEFORE 28-Dec-2014
S: * SEARCH
S: A104 OK ~
C: A105 SEARCH SAVEDATESUPPORTED
S: * SEARCH 1
S: A105 OK ~
