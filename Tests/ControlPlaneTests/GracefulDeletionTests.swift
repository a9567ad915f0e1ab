import ClusterModel
@testable import ControlPlane
import Testing

/// A second delete of a terminating pod, as kube-apiserver treats it: a shorter grace period
/// moves the deadline earlier (counted from the first delete); a longer one or none changes
/// nothing; zero removes the pod at once.
@Suite("Graceful deletion")
struct GracefulDeletionTests {
    static func terminatingPod() throws -> (ControlLoop, ManualClock, Pod) {
        let (loop, clock) = try Fixture.cluster(block: 216)
        loop.apply([Fixture.deployment("kubia", replicas: 1, labels: ["app": "kubia"])])
        loop.runUntilIdle()
        let pod = try #require(loop.pods(["app": "kubia"]).first)
        try loop.registry.delete(.pods, pod.key, gracePeriodSeconds: 30)
        loop.runUntilIdle()
        return (loop, clock, pod)
    }

    @Test func aShorterGracePeriodMovesTheDeadlineEarlier() throws {
        let (loop, clock, pod) = try Self.terminatingPod()
        let first = try #require(loop.store.get(Pod.self, namespace: pod.namespace, name: pod.name))
        let firstDue = try #require(Timestamp.parse(first.metadata.deletionTimestamp ?? ""))
        clock.advance(by: 2)
        try loop.registry.delete(.pods, pod.key, gracePeriodSeconds: 5)
        let second = try #require(loop.store.get(Pod.self, namespace: pod.namespace, name: pod.name))
        #expect(second.metadata.deletionGracePeriodSeconds == 5)
        #expect(Timestamp.parse(second.metadata.deletionTimestamp ?? "") == firstDue - 25, "first delete + 5 s")
        // A longer period, or none, leaves the pending deletion alone.
        try loop.registry.delete(.pods, pod.key, gracePeriodSeconds: 60)
        try loop.registry.delete(.pods, pod.key)
        #expect(loop.store.get(Pod.self, namespace: pod.namespace, name: pod.name)?.metadata.deletionGracePeriodSeconds == 5)
        loop.runUntilIdle()
        clock.advance(by: 3.5)
        loop.runUntilIdle()
        #expect(loop.store.get(Pod.self, namespace: pod.namespace, name: pod.name) == nil, "gone at the shortened deadline")
    }

    @Test func zeroRemovesATerminatingPodAtOnce() throws {
        let (loop, _, pod) = try Self.terminatingPod()
        try loop.registry.delete(.pods, pod.key, gracePeriodSeconds: 0)
        #expect(loop.store.get(Pod.self, namespace: pod.namespace, name: pod.name) == nil)
    }
}
