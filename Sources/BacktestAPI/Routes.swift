import BacktestService
import HTTPServer

/// Every route of the API, each a thin translation to a service call; split by resource.
enum Routes {
    static func register(
        on builder: inout RouterBuilder, service: BacktestService, access: Access, keepAliveSeconds: Double,
        maxDatasetBytes: Int, webSocketEchoPath: String, observability: Observability?
    ) {
        DashboardRoute.register(on: &builder)
        HealthRoutes.register(on: &builder, service: service)
        if let observability {
            MetricsRoutes.register(on: &builder, service: service, access: access, observability: observability)
        }
        SessionRoutes.register(on: &builder, access: access)
        KeyRoutes.register(on: &builder, service: service, access: access)
        RunRoutes.register(on: &builder, service: service, access: access, keepAliveSeconds: keepAliveSeconds)
        ArtifactRoutes.register(on: &builder, service: service, access: access)
        DatasetRoutes.register(on: &builder, service: service, access: access, maxBytes: maxDatasetBytes)
        PresetRoutes.register(on: &builder, service: service, access: access)
        DescriptionRoutes.register(
            on: &builder, document: OpenAPIDocument(webSocketEchoPath: webSocketEchoPath), access: access)
        if !webSocketEchoPath.isEmpty { builder.webSocket(webSocketEchoPath, WebSocketEcho.route()) }
    }
}
