package io.alphadecay.cli;

import java.util.List;

/** Progress lines redrawn in place on a terminal: each frame moves the cursor up over the previous one. */
public final class TerminalFrame {

    private int drawn;

    /** The text that replaces the previous frame with {@code lines}. */
    public String next(List<String> lines) {
        StringBuilder frame = new StringBuilder();
        if (drawn > 0) {
            frame.append("\u001b[").append(drawn).append('A');
        }
        lines.forEach(line -> frame.append("\r\u001b[2K").append(line).append('\n'));
        drawn = lines.size();
        return frame.toString();
    }
}
