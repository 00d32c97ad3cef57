import BacktestService
import Foundation
import HTTPServer
import Logging
import Metrics

/// Wires settings, catalog, service and HTTP server together and runs until a signal.
public enum Application {
    /// Builds the router for a service (also used by tests). `observability` (nil: no metrics)
    /// adds `GET /metrics`; it should be the one whose factory the service and server record to.
    public static func router(
        service: BacktestService, settings: Settings = Settings(), keepAliveSeconds: Double = 15,
        clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
        observability: Observability? = nil
    ) -> Router {
        var builder = RouterBuilder()
        Routes.register(
            on: &builder, service: service,
            access: access(service: service, settings: settings, clock: clock, observability: observability),
            keepAliveSeconds: keepAliveSeconds, maxDatasetBytes: settings.maxDatasetBytes,
            webSocketEchoPath: settings.wsEchoPath, observability: observability)
        return builder.build()
    }

    /// The router of the `metrics_listen` address: `GET /metrics` only, without authentication.
    public static func metricsRouter(service: BacktestService, observability: Observability) -> Router {
        MetricsRoutes.standaloneRouter(service: service, observability: observability)
    }

    /// Authentication and limits as the settings describe them.
    static func access(
        service: BacktestService, settings: Settings, clock: @escaping @Sendable () -> Double,
        observability: Observability? = nil
    )
        -> Access
    {
        let limits = TierLimits(
            perHour: [
                .free: settings.rateFreePerHour, .pro: settings.ratePaidPerHour, .admin: settings.rateAdminPerHour,
            ],
            maxActive: [.free: settings.maxActiveFree, .pro: settings.maxActivePro, .admin: settings.maxActiveAdmin])
        return Access(
            directory: service.keys, limiter: service.makeRateLimiter(), limits: limits,
            singleUserTier: KeyTier(rawValue: settings.singleUserTier) ?? .admin,
            secureCookies: settings.behindTLS, clock: clock,
            rateLimited: observability?.rateLimited
                ?? Counter(label: "backtest_rate_limited_requests_total", factory: NOOPMetricsHandler.instance))
    }

    /// The service configuration the settings describe.
    public static func serviceConfiguration(_ settings: Settings) -> ServiceConfiguration {
        var configuration = ServiceConfiguration(dataDirectory: settings.dataDir)
        if settings.workers > 0 { configuration.workers = settings.workers }
        configuration.queueCapacity = settings.queueCapacity
        configuration.maxGridVariants = settings.maxGridVariants
        configuration.maxDatasetsPerRun = settings.maxDatasetsPerRun
        configuration.retentionRuns = settings.retentionRuns
        configuration.samplesDirectory = settings.importSamples ? SamplesLocator.locate(settings.samplesDir) : nil
        configuration.maxRunAttempts = settings.maxRunAttempts
        if !settings.nodeId.isEmpty { configuration.nodeID = settings.nodeId }
        configuration.leaseSeconds = settings.leaseSeconds
        configuration.leaseHeartbeatSeconds = settings.leaseHeartbeatSeconds
        configuration.jsonLimits = JSONParser.Limits(
            maxElements: settings.maxJSONElements, maxStringBytes: settings.maxJSONStringBytes)
        configuration.maxValidationWork = settings.maxValidationWork
        configuration.durableCommits = settings.durableCommits
        configuration.catalogURL = settings.catalogUrl
        configuration.eventPollSeconds = Double(settings.eventPollMs) / 1000
        return configuration
    }

    /// Serves until SIGTERM/SIGINT, then shuts down gracefully and returns.
    public static func run(settings: Settings) async throws {
        // A server holding keys and sessions in memory writes no core dumps.
        var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
        setrlimit(Int32(RLIMIT_CORE.rawValue), &noCore)
        let log = LineWriter()
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, writer: log) }
        let logger = Logger(label: "backtestd")
        SignalWaiter.install()
        try settings.checkLeases()
        if !settings.metrics && !settings.metricsListen.isEmpty {
            throw Settings.Invalid(message: "metrics_listen needs metrics: true")
        }
        // One registry for the process; the global bootstrap (allowed once) lets any library code
        // recording through `MetricsSystem` land there too.
        let observability = settings.metrics ? Observability() : nil
        if let observability { MetricsSystem.bootstrap(observability.factory) }
        var configuration = serviceConfiguration(settings)
        configuration.metricsFactory = observability?.factory
        let service = try BacktestService(configuration: configuration, logger: Logger(label: "backtestd.service"))
        if !isLoopback(settings.host) && !service.keys.hasKeys {
            service.shutdown()
            throw Settings.Invalid(
                message:
                    "no API keys are configured: the server is single-user and binds loopback only (got \(settings.host)); create one with `backtestd keys create`"
            )
        }
        var accessLog: (@Sendable ([UInt8]) -> Void)?
        if settings.accessLog {
            accessLog = { lines in log.write(lines: lines) }
        }
        let server = try HTTPServer(
            configuration: settings.serverConfiguration,
            router: router(service: service, settings: settings, observability: observability),
            accessLog: accessLog, metrics: observability?.factory)
        logger.info("listening", metadata: ["host": .string(settings.host), "port": .string(String(server.port))])
        var metricsServer: HTTPServer?
        if let observability, let address = Settings.listenAddress(settings.metricsListen) {
            var configuration = settings.serverConfiguration
            (configuration.host, configuration.port, configuration.eventLoops) = (address.host, address.port, 1)
            metricsServer = try HTTPServer(
                configuration: configuration,
                router: metricsRouter(service: service, observability: observability))
            logger.info(
                "serving metrics",
                metadata: ["host": .string(address.host), "port": .string(String(metricsServer?.port ?? 0))])
        }
        log.flush()
        await SignalWaiter.waitForTermination()
        logger.info("shutting down")
        await server.shutdown()
        await metricsServer?.shutdown()
        service.shutdown()
        logger.info("stopped")
        log.flush()
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "::1" || host.hasPrefix("127.")
    }
}
