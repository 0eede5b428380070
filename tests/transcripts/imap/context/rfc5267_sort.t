# RFC 5267 §4.3 (CONTEXT=SORT): SORT RETURN (UPDATE) reports each inserted or removed
# result with its position in the sort order (§4.3.3, §4.3.4); message numbers for SORT,
# UIDs for UID SORT; the REMOVEFROM of an expunged message precedes its EXPUNGE.
@user alice secret
@append alice INBOX simple.eml date="03-Mar-2020 12:00:00 +0000"
@append alice INBOX alternative.eml date="01-Mar-2020 12:00:00 +0000"
@append alice INBOX attachment.eml date="05-Mar-2020 12:00:00 +0000"
@append alice INBOX forwarded.eml flags=$Junk date="04-Mar-2020 12:00:00 +0000"
@append alice INBOX plain2.eml date="02-Mar-2020 12:00:00 +0000"
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
C: B02 UID SORT RETURN (UPDATE COUNT) (ARRIVAL) UTF-8 KEYWORD $Junk
S: * ESEARCH (TAG "B02") UID COUNT 1
S: B02 OK UID SORT completed
C: C01 SORT RETURN (UPDATE) (REVERSE ARRIVAL) UTF-8 ALL
S: * ESEARCH (TAG "C01") ALL 3:4,1,5,2
S: C01 OK SORT completed
C2: b3 UID STORE 1,3 +FLAGS.SILENT ($Junk)
S2: b3 OK ~
C: a3 NOOP
S: * 1 FETCH ~
S: * 3 FETCH ~
S: * ESEARCH (TAG "B02") UID ADDTO (1 1 3 3)
S: a3 OK ~
C2: b4 UID STORE 4 +FLAGS.SILENT (\Deleted)
S2: b4 OK ~
C2: b5 EXPUNGE
S2: ...
S2: b5 OK ~
C: a4 NOOP
S: * ESEARCH (TAG "B02") UID REMOVEFROM (2 4)
S: * ESEARCH (TAG "C01") REMOVEFROM (2 4)
S: * 4 EXPUNGE
S: a4 OK ~
C: a5 CANCELUPDATE "B02" "C01"
S: a5 OK ~
