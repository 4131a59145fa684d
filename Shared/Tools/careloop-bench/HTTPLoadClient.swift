import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// One keep-alive HTTP/1.1 connection of a load generator: sends a request, reads the whole response, repeats.
struct HTTPLoadConnection {
    /// A request to send.
    struct Request: Sendable {
        var method: HTTPMethod
        var path: String
        var headers: [(String, String)]
        var body: String
    }

    /// Opens a connection to `host:port` and runs `body` with a function that sends one request and returns its status.
    static func with<T: Sendable>(
        host: String, port: Int, _ body: (_ send: (Request) async throws -> Int) async throws -> T
    ) async throws -> T {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var responses = inbound.makeAsyncIterator()
            return try await body { request in
                var head = HTTPRequestHead(version: .http1_1, method: request.method, uri: request.path)
                head.headers.add(name: "Host", value: "\(host):\(port)")
                head.headers.add(name: "Content-Length", value: String(request.body.utf8.count))
                for (name, value) in request.headers { head.headers.add(name: name, value: value) }
                try await outbound.write(contentsOf: [.head(head), .body(.byteBuffer(ByteBuffer(string: request.body))), .end(nil)])
                var status = 0
                while let part = try await responses.next() {
                    switch part {
                    case .head(let response): status = Int(response.status.code)
                    case .body: continue
                    case .end: return status
                    }
                }
                throw HTTPLoadError(description: "the server closed the connection")
            }
        }
    }
}

/// The load generator lost its connection.
struct HTTPLoadError: Error, CustomStringConvertible {
    var description: String
}
