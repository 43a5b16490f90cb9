package io.alphadecay.control.report;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import io.alphadecay.common.web.ApiException;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Comparison reports of 2 to 8 runs: {@code /compare} is a self-contained HTML page, {@code /compare.png} its main
 * chart (validation perplexity against step, {@value ComparisonCharts#WIDTH} × {@value ComparisonCharts#HEIGHT}).
 */
@RestController
@RequestMapping("/api/v1/reports")
class ReportController {

    static final int MIN_RUNS = 2;
    static final int MAX_RUNS = 8;
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** The page needs nothing from anywhere: a browser enforcing this blocks any reference that slipped in. */
    private static final String POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final ComparisonService comparisons;

    ReportController(ComparisonService comparisons) {
        this.comparisons = comparisons;
    }

    @GetMapping(path = "/compare", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<byte[]> compare(@RequestParam String runs) {
        String html = ComparisonPage.render(comparisons.compare(parse(runs)));
        return ResponseEntity.ok()
                .contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
                .cacheControl(CacheControl.noStore())
                .header("Content-Security-Policy", POLICY)
                .body(html.getBytes(StandardCharsets.UTF_8));
    }

    @GetMapping(path = "/compare.png", produces = MediaType.IMAGE_PNG_VALUE)
    ResponseEntity<byte[]> chart(@RequestParam String runs) {
        Comparison comparison = comparisons.perplexityCurves(parse(runs));
        byte[] png = ComparisonCharts.perplexity(comparison, ComparisonCharts.WIDTH, ComparisonCharts.HEIGHT);
        if (png == null) {
            png = ComparisonCharts.placeholder(
                    "Validation perplexity: no data yet", ComparisonCharts.WIDTH, ComparisonCharts.HEIGHT);
        }
        return ResponseEntity.ok()
                .contentType(MediaType.IMAGE_PNG)
                .cacheControl(CacheControl.noStore())
                .body(png);
    }

    /** Run ids separated by commas (or the parameter repeated), each once, 2 to 8 of them, in report order. */
    static List<UUID> parse(String runs) {
        String[] parts = runs.split(",", -1);
        if (parts.length < MIN_RUNS || parts.length > MAX_RUNS) {
            throw ApiException.invalid(
                    "runs",
                    "must list " + MIN_RUNS + " to " + MAX_RUNS + " run ids separated by commas, got " + parts.length);
        }
        List<UUID> ids = new ArrayList<>();
        Set<UUID> seen = new HashSet<>();
        for (String part : parts) {
            String text = part.strip();
            if (!UUID_TEXT.matcher(text).matches()) {
                String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
                throw ApiException.invalid("runs", "'" + shown + "' is not a run id");
            }
            UUID id = UUID.fromString(text);
            if (!seen.add(id)) {
                throw ApiException.invalid("runs", "lists run " + id + " more than once");
            }
            ids.add(id);
        }
        return ids;
    }
}
