# RFC 5465 §5.4 MailboxName and §5.5 SubscriptionChange, from another connection; the
# client's own CREATE is not echoed (§5).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 NOTIFY SET (personal (MailboxName SubscriptionChange))
S: a2 OK ~
C2: b1 LOGIN alice secret
S2: b1 OK ~
C2: b2 CREATE NewMailbox
S2: b2 OK ~
S: * LIST (\HasNoChildren) "/" "NewMailbox"
C2: b3 SUBSCRIBE NewMailbox
S2: b3 OK ~
S: * LIST (\HasNoChildren \Subscribed) "/" "NewMailbox"
C2: b4 DELETE NewMailbox
S2: b4 OK ~
S: * LIST (\NonExistent \Subscribed) "/" "NewMailbox"
C: a3 CREATE Mine
S: a3 OK ~
C: a4 NOOP
S: a4 OK ~
C: a5 NOTIFY SET (personal (AnnotationChange))
S: a5 NO [BADEVENT (MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange MailboxMetadataChange ServerMetadataChange)] ~
C: a6 NOTIFY SET (personal (MessageNew))
S: a6 BAD ~
