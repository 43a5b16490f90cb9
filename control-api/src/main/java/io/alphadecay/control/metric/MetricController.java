package io.alphadecay.control.metric;

import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
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

    record Batch(@NotNull List<@Valid @NotNull MetricPoint> points) {
    }

    record Accepted(int accepted) {
    }

    @PostMapping
    Accepted ingest(@PathVariable UUID id, @Valid @RequestBody Batch batch) {
        return new Accepted(metrics.ingest(id, batch.points()));
    }

    @GetMapping
    Batch read(@PathVariable UUID id,
            @RequestParam(required = false) @Pattern(regexp = MetricPoint.NAME) String name,
            @RequestParam(required = false) @Min(0) Long fromStep, @RequestParam(required = false) @Min(0) Long toStep,
            @RequestParam(required = false) Integer maxPoints, @RequestParam(defaultValue = "false") boolean withTime) {
        List<MetricPoint> points = metrics.read(id, name, fromStep, toStep, maxPoints);
        // Charts need no write times, and leaving them out makes the answer about half as large to write and parse.
        return new Batch(withTime ? points
                : points.stream().map(p -> new MetricPoint(p.name(), p.step(), p.value(), null)).toList());
    }
}
