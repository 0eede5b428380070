# RFC 5267 §3 ESORT: SORT RETURN answers with ESEARCH; ALL keeps the sort order and uses
# ranges only for ascending runs (§3.2); MIN/MAX are the first/last sorted (§3.1).
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
C: E01 UID SORT RETURN () (REVERSE ARRIVAL) UTF-8 UNDELETED UNKEYWORD $Junk
S: * ESEARCH (TAG "E01") UID ALL 3,1,5,2
S: E01 OK UID SORT completed
C: E02 SORT RETURN (MIN MAX COUNT) (ARRIVAL) UTF-8 ALL
S: * ESEARCH (TAG "E02") MIN 2 MAX 3 COUNT 5
S: E02 OK SORT completed
C: E03 SORT RETURN (ALL) (ARRIVAL) UTF-8 ALL
S: * ESEARCH (TAG "E03") ALL 2,5,1,4,3
S: E03 OK SORT completed
C: E04 SORT RETURN (COUNT) (ARRIVAL) UTF-8 DELETED
S: * ESEARCH (TAG "E04") COUNT 0
S: E04 OK SORT completed
