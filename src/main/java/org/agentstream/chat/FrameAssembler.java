package org.agentstream.chat;

/**
 * Puts a client frame back together from the parts the container hands over, holding at most the size limit:
 * past it the parts are only counted, so an oversized frame is never held in memory whole. One per connection.
 */
final class FrameAssembler {

    private final int maxBytes;
    private final StringBuilder partial = new StringBuilder();
    private long bytes;

    FrameAssembler(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    int maxBytes() {
        return maxBytes;
    }

    void add(String part) {
        if (tooLarge()) {
            return;
        }
        bytes += utf8Length(part);
        if (tooLarge()) {
            partial.setLength(0);
            partial.trimToSize();
        } else {
            partial.append(part);
        }
    }

    /** Whether the frame so far is over the limit. */
    boolean tooLarge() {
        return bytes > maxBytes;
    }

    /** The frame so far (empty when it was too large), and starts the next one. */
    String take() {
        String text = partial.toString();
        partial.setLength(0);
        bytes = 0;
        return text;
    }

    /** UTF-8 bytes of the text; a surrogate counts two, so a pair split across two parts still counts four. */
    static long utf8Length(CharSequence text) {
        long length = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            length += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return length;
    }
}
