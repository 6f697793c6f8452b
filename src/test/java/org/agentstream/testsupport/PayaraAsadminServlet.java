package org.agentstream.testsupport;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.reflect.Method;
import java.util.Map;

/**
 * Test deployments only: runs an asadmin command in the Payara Micro that serves the test (Payara Micro has no
 * admin listener; its runtime runs the same commands an admin gives {@code asadmin} on Payara Server). Answers 200
 * with the command's output, or 500 with why it failed.
 */
@WebServlet("/test-admin/asadmin")
public class PayaraAsadminServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String command = request.getParameter("command");
        String[] arguments = request.getParameterValues("argument");
        response.setContentType("text/plain");
        response.setCharacterEncoding("UTF-8");
        try {
            Class<?> micro = Class.forName("fish.payara.micro.PayaraMicro", true,
                    Thread.currentThread().getContextClassLoader());
            Object runtime = micro.getMethod("getRuntime").invoke(micro.getMethod("getInstance").invoke(null));
            Method run = runtime.getClass().getMethod("run", String.class, String[].class);
            Object results = run.invoke(runtime, command, (Object) (arguments == null ? new String[0] : arguments));
            StringBuilder output = new StringBuilder();
            boolean success = true;
            for (Object future : ((Map<?, ?>) results).values()) {
                Object result = future.getClass().getMethod("get").invoke(future);
                Object status = result.getClass().getMethod("getExitStatus").invoke(result);
                output.append(status).append(": ").append(result.getClass().getMethod("getOutput").invoke(result))
                        .append('\n');
                success &= "SUCCESS".equals(String.valueOf(status));
            }
            response.setStatus(success ? 200 : 500);
            response.getWriter().write(output.toString());
        } catch (ReflectiveOperationException | RuntimeException e) {
            response.setStatus(500);
            response.getWriter().write("not on Payara Micro, or the command failed: " + e);
        }
    }
}
