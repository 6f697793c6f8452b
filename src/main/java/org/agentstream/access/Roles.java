package org.agentstream.access;

/** The application's roles, as web.xml declares them and each server's realm maps its groups to them. */
public final class Roles {

    /** May open the chat while sign-in is required. */
    public static final String CHAT_USER = "chat-user";
    /** May read {@code /status}. */
    public static final String CHAT_ADMIN = "chat-admin";

    private Roles() {
    }
}
