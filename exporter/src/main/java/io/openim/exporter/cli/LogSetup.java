package io.openim.exporter.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

/** Logs to stderr (stdout stays clean for check-config), as text or one JSON object per line. */
public final class LogSetup {
    private LogSetup() {
    }

    public static void configure(String format, String level) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        Encoder<ILoggingEvent> encoder;
        if ("json".equals(format)) {
            JsonEncoder json = new JsonEncoder();
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.setWithContext(false);
            json.setWithArguments(false);
            json.setWithFormattedMessage(true);
            json.setWithMessage(false);
            encoder = json;
        } else {
            PatternLayoutEncoder text = new PatternLayoutEncoder();
            text.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{1} - %msg%n");
            encoder = text;
        }
        encoder.setContext(ctx);
        encoder.start();
        ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
        out.setContext(ctx);
        out.setTarget("System.err");
        out.setEncoder(encoder);
        out.start();
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level, Level.INFO));
        root.addAppender(out);
        // the clients' own reports of lost connections (Curator's come as ERROR with a stack trace every
        // retry) repeat what source_up and the scheduler's one line per change already say
        for (String noisy : new String[]{"io.netty", "io.grpc", "io.vertx", "io.etcd", "io.lettuce", "org.mongodb.driver", "de.bwaldvogel"}) {
            ctx.getLogger(noisy).setLevel(Level.ERROR);
        }
        // kafka-clients logs every failed connect and authentication attempt: the scheduler's line says it once
        for (String silent : new String[]{"org.apache.zookeeper", "org.apache.curator", "org.apache.kafka"}) {
            ctx.getLogger(silent).setLevel(Level.OFF);
        }
    }
}
