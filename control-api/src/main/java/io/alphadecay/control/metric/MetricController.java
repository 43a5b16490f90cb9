package io.alphadecay.control.metric;

import java.util.UUID;

import io.alphadecay.api.metric.MetricBatch;
import io.alphadecay.api.metric.MetricPoint;
import io.alphadecay.api.metric.MetricsAccepted;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/runs/{id}/metrics")
class MetricController {

    private final MetricService metrics;

    MetricController(MetricService metrics) {
        this.metrics = metrics;
    }

    @PostMapping
    MetricsAccepted ingest(@PathVariable UUID id, @Valid @RequestBody MetricBatch batch) {
        return new MetricsAccepted(metrics.ingest(id, batch.points()));
    }

    /** Already JSON: the service keeps the bytes of the answers it has cached (see MetricService#readAsJson). */
    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = MetricBatch.class)))
    ResponseEntity<byte[]> read(
            @PathVariable UUID id,
            @RequestParam(required = false) @Pattern(regexp = MetricPoint.NAME) String name,
            @RequestParam(required = false) @Min(0) Long fromStep,
            @RequestParam(required = false) @Min(0) Long toStep,
            @RequestParam(required = false) Integer maxPoints,
            @RequestParam(defaultValue = "false") boolean withTime) {
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .body(metrics.readAsJson(id, name, fromStep, toStep, maxPoints, withTime));
    }
}
