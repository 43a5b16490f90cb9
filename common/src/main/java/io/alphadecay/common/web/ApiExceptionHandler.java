package io.alphadecay.common.web;

import java.util.ArrayList;
import java.util.List;

import io.alphadecay.api.problem.FieldError;
import io.alphadecay.api.run.InvalidConfigException;
import jakarta.validation.ConstraintViolationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;

/** Turns every failure into problem+json with a stable type, naming the offending field where there is one. */
@RestControllerAdvice
public class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Object> handleApi(ApiException ex, WebRequest request) {
        ResponseEntity<Object> response = problem(ex.problem(), ex.getMessage(), ex.errors(), request);
        if (ex.retryAfterSeconds() > 0) {
            return ResponseEntity.status(response.getStatusCode())
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .header(HttpHeaders.RETRY_AFTER, Long.toString(ex.retryAfterSeconds()))
                    .body(response.getBody());
        }
        return response;
    }

    @ExceptionHandler(InvalidConfigException.class)
    ResponseEntity<Object> handleInvalidConfig(InvalidConfigException ex, WebRequest request) {
        return problem(ProblemType.VALIDATION, ex.getMessage(), ex.errors(), request);
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<Object> handleConstraintViolation(ConstraintViolationException ex, WebRequest request) {
        List<FieldError> errors = ex.getConstraintViolations().stream()
                .map(v -> {
                    String path = v.getPropertyPath().toString();
                    return new FieldError(path.substring(path.lastIndexOf('.') + 1), v.getMessage());
                })
                .toList();
        ApiException api = ApiException.invalid(errors);
        return problem(api.problem(), api.getMessage(), api.errors(), request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> handleUnexpected(Exception ex, WebRequest request) {
        RequestTooLargeException tooLarge = findCause(ex, RequestTooLargeException.class);
        if (tooLarge != null) {
            return problem(ProblemType.PAYLOAD_TOO_LARGE, tooLarge.getMessage(), List.of(), request);
        }
        log.error("Unexpected failure on {}", describe(request), ex);
        return problem(
                ProblemType.INTERNAL, "The server failed to process the request; see its log", List.of(), request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        RequestTooLargeException tooLarge = findCause(ex, RequestTooLargeException.class);
        if (tooLarge != null) {
            return problem(ProblemType.PAYLOAD_TOO_LARGE, tooLarge.getMessage(), List.of(), request);
        }
        JacksonException json = findCause(ex, JacksonException.class);
        if (json == null) {
            return problem(ProblemType.MALFORMED, "The request body is missing or unreadable", List.of(), request);
        }
        String field = jsonPath(json);
        String message = json.getOriginalMessage();
        if (json instanceof tools.jackson.databind.exc.UnrecognizedPropertyException unknown) {
            message = "unknown field '" + unknown.getPropertyName() + "'";
        }
        if (field.isEmpty()) {
            return problem(ProblemType.MALFORMED, "Malformed JSON: " + firstLine(message), List.of(), request);
        }
        List<FieldError> errors = List.of(new FieldError(field, firstLine(message)));
        return problem(ProblemType.VALIDATION, field + ": " + firstLine(message), errors, request);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldError> errors = new ArrayList<>();
        ex.getBindingResult()
                .getFieldErrors()
                .forEach(e -> errors.add(new FieldError(e.getField(), e.getDefaultMessage())));
        ex.getBindingResult()
                .getGlobalErrors()
                .forEach(e -> errors.add(new FieldError(e.getObjectName(), e.getDefaultMessage())));
        ApiException api = ApiException.invalid(errors);
        return problem(api.problem(), api.getMessage(), api.errors(), request);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(
            HandlerMethodValidationException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldError> errors = new ArrayList<>();
        ex.getParameterValidationResults().forEach(result -> {
            if (result instanceof ParameterErrors body) {
                body.getFieldErrors().forEach(e -> errors.add(new FieldError(e.getField(), e.getDefaultMessage())));
            } else {
                String name = parameterName(result.getMethodParameter());
                result.getResolvableErrors().forEach(e -> errors.add(new FieldError(name, e.getDefaultMessage())));
            }
        });
        ApiException api = ApiException.invalid(errors);
        return problem(api.problem(), api.getMessage(), api.errors(), request);
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(
            TypeMismatchException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String name = ex.getPropertyName() == null ? "parameter" : ex.getPropertyName();
        return problem(
                ProblemType.VALIDATION,
                name + ": invalid value '" + ex.getValue() + "'",
                List.of(new FieldError(name, "invalid value '" + ex.getValue() + "'")),
                request);
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(
            MissingServletRequestParameterException ex,
            HttpHeaders headers,
            HttpStatusCode status,
            WebRequest request) {
        return problem(
                ProblemType.VALIDATION,
                ex.getParameterName() + ": required",
                List.of(new FieldError(ex.getParameterName(), "required")),
                request);
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception ex, Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
        ProblemType type = switch (statusCode.value()) {
            case 400 -> ProblemType.MALFORMED;
            case 404 -> ProblemType.NOT_FOUND;
            case 405 -> ProblemType.METHOD_NOT_ALLOWED;
            case 406 -> ProblemType.NOT_ACCEPTABLE;
            case 413 -> ProblemType.PAYLOAD_TOO_LARGE;
            case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
            default -> statusCode.is4xxClientError() ? ProblemType.MALFORMED : ProblemType.INTERNAL;
        };
        String detail = body instanceof ProblemDetail pd && pd.getDetail() != null ? pd.getDetail() : type.title();
        ResponseEntity<Object> response = problem(type, detail, List.of(), request);
        return ResponseEntity.status(statusCode)
                .headers(headers)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(response.getBody());
    }

    private static ResponseEntity<Object> problem(
            ProblemType type, String detail, List<FieldError> errors, WebRequest request) {
        String instance = request instanceof ServletWebRequest servlet
                ? servlet.getRequest().getRequestURI()
                : null;
        return ResponseEntity.status(type.status())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.of(type, detail, instance, errors));
    }

    /** The name the client used: a header's or query parameter's own name rather than the Java one. */
    private static String parameterName(MethodParameter parameter) {
        RequestHeader header = parameter.getParameterAnnotation(RequestHeader.class);
        if (header != null && !header.name().isEmpty()) {
            return header.name();
        }
        RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
        if (param != null && !param.name().isEmpty()) {
            return param.name();
        }
        return parameter.getParameterName();
    }

    private static String jsonPath(JacksonException ex) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : ex.getPath()) {
            if (ref.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid value";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static <T extends Throwable> T findCause(Throwable ex, Class<T> type) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String describe(WebRequest request) {
        return request instanceof ServletWebRequest servlet
                ? servlet.getRequest().getMethod() + " " + servlet.getRequest().getRequestURI()
                : "request";
    }
}
