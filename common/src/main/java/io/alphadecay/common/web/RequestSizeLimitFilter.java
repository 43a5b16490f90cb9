package io.alphadecay.common.web;

import java.io.IOException;
import java.util.function.ToLongFunction;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bounds every request body: a declared length over the limit is refused before reading, and a chunked body is
 * cut off as soon as it passes the limit.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public final class RequestSizeLimitFilter extends OncePerRequestFilter {

    private final ToLongFunction<HttpServletRequest> limits;

    /** One limit for every request. */
    public RequestSizeLimitFilter(long limit) {
        this(request -> limit);
    }

    /** A limit chosen per request, for services whose bulk upload allows more than their JSON calls. */
    public RequestSizeLimitFilter(ToLongFunction<HttpServletRequest> limits) {
        this.limits = limits;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long limit = limits.applyAsLong(request);
        if (request.getContentLengthLong() > limit) {
            Problems.write(
                    request,
                    response,
                    ProblemType.PAYLOAD_TOO_LARGE,
                    "The request body exceeds the limit of " + limit + " bytes");
            return;
        }
        chain.doFilter(new BoundedRequest(request, limit), response);
    }

    private static final class BoundedRequest extends HttpServletRequestWrapper {

        private final long limit;
        private ServletInputStream stream;

        BoundedRequest(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new BoundedInputStream(super.getInputStream(), limit);
            }
            return stream;
        }
    }

    private static final class BoundedInputStream extends ServletInputStream {

        private final ServletInputStream delegate;
        private final long limit;
        private long count;

        BoundedInputStream(ServletInputStream delegate, long limit) {
            this.delegate = delegate;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = delegate.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = delegate.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(long n) throws RequestTooLargeException {
            count += n;
            if (count > limit) {
                throw new RequestTooLargeException(limit);
            }
        }

        @Override
        public boolean isFinished() {
            return delegate.isFinished();
        }

        @Override
        public boolean isReady() {
            return delegate.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            delegate.setReadListener(listener);
        }
    }
}
