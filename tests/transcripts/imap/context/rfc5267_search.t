# RFC 5267 §4.2-§4.4 (CONTEXT=SEARCH): the CONTEXT hint, UPDATE with ADDTO/REMOVEFROM as
# another connection changes flags and expunges (REMOVEFROM before the EXPUNGEs, §4.3.4),
# tag reuse (§4.3), CANCELUPDATE (§4.3.5) and PARTIAL (§4.4, one implementation with
# RFC 9394: a range 4:1 is 1:4, a range past the end answers NIL).
@user alice secret
@append alice INBOX simple.eml
@append alice INBOX alternative.eml flags=\Deleted,$Junk
@append alice INBOX attachment.eml
@append alice INBOX forwarded.eml flags=$Junk
@append alice INBOX plain2.eml
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C2: b1 LOGIN alice secret
S2: b1 OK ~
C2: b2 SELECT INBOX
S2: ...
S2: b2 OK [READ-WRITE] ~
C: A01 SEARCH RETURN (CONTEXT COUNT) UNDELETED UNKEYWORD $Junk
S: * ESEARCH (TAG "A01") COUNT 3
S: A01 OK SEARCH completed
C: B01 UID SEARCH RETURN (UPDATE COUNT) DELETED KEYWORD $Junk
S: * ESEARCH (TAG "B01") UID COUNT 1
S: B01 OK UID SEARCH completed
C: B01 SORT RETURN (UPDATE) (ARRIVAL) UTF-8 FLAGGED
S: B01 BAD Tag reuse
C2: b3 UID STORE 3:4 +FLAGS.SILENT (\Deleted $Junk)
S2: b3 OK ~
C: a3 NOOP
S: * 3 FETCH ~
S: * 4 FETCH ~
S: * ESEARCH (TAG "B01") UID ADDTO (0 3:4)
S: a3 OK ~
C2: b4 EXPUNGE
S2: ...
S2: b4 OK ~
C: a4 NOOP
S: * ESEARCH (TAG "B01") UID REMOVEFROM (0 2:4)
S: * 4 EXPUNGE
S: * 3 EXPUNGE
S: * 2 EXPUNGE
S: a4 OK ~
C: B04 CANCELUPDATE "B01"
S: B04 OK ~
C2: b5 UID STORE 1 +FLAGS.SILENT (\Deleted $Junk)
S2: b5 OK ~
C: a5 NOOP
S: * 1 FETCH ~
S: a5 OK ~
C: A02 UID SEARCH RETURN (PARTIAL 4:1) ALL
S: * ESEARCH (TAG "A02") UID PARTIAL (1:4 1,5)
S: A02 OK UID SEARCH completed
C: A03 UID SEARCH RETURN (CONTEXT PARTIAL 1:1) UNDELETED
S: * ESEARCH (TAG "A03") UID PARTIAL (1:1 5)
S: A03 OK UID SEARCH completed
C: A04 UID SEARCH RETURN (PARTIAL 24000:24500) UNDELETED
S: * ESEARCH (TAG "A04") UID PARTIAL (24000:24500 NIL)
S: A04 OK UID SEARCH completed
