package io.alphadecay.api.analysis;

/** What became of posting an analysis to the control-api: {@code reported}, {@code failed} or {@code skipped}. */
public record ReportOutcome(String status, int attempts, String detail) {

    public static ReportOutcome skipped(String why) {
        return new ReportOutcome("skipped", 0, why);
    }
}
