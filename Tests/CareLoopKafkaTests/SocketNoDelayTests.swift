import CareLoopDevBroker
import Glibc
import Testing

/// ``SocketNoDelay`` turns Nagle off on connected TCP sockets only.
@Suite struct SocketNoDelayTests {
    /// A listening socket on a free loopback port, a client connected to it and the accepted end.
    private func connectedPair() throws -> (listener: Int32, client: Int32, accepted: Int32) {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listener, pointer, length) == 0 && listen(listener, 1) == 0 && getsockname(listener, pointer, &length) == 0
            }
        }
        try #require(listener >= 0 && bound)
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, length) }
        }
        try #require(connected == 0)
        let accepted = accept(listener, nil, nil)
        try #require(accepted >= 0)
        return (listener, client, accepted)
    }

    private func noDelay(_ fd: Int32) -> Int32? {
        SocketNoDelay.option(fd, level: Int32(IPPROTO_TCP), name: TCP_NODELAY)
    }

    /// Counts are not checked: other tests of the process (and a mock cluster's own sweeps) may sweep concurrently.
    @Test func connectedSocketsLoseNagleAndListenersAreLeftAlone() throws {
        let (listener, client, accepted) = try connectedPair()
        defer { [listener, client, accepted].forEach { _ = close($0) } }
        SocketNoDelay.sweep()
        #expect(noDelay(accepted) == 1)
        #expect(noDelay(client) == 1)
        #expect(noDelay(listener) == 0)
    }

    @Test func descriptorsThatAreNotSocketsAreSkipped() throws {
        var pipeEnds: [Int32] = [0, 0]
        try #require(pipe(&pipeEnds) == 0)
        defer { pipeEnds.forEach { _ = close($0) } }
        SocketNoDelay.sweep()
        #expect(noDelay(pipeEnds[0]) == nil)
    }
}
