// reverse: a listener in front of one upstream service; every request and response body (and
// every WebSocket message) scanned like the forward proxy's. It never reaches any other host.
export { startReverse, upstreamProblem, type ReverseOptions, type ReverseServer } from './server.ts';
export { handleReverse } from './handler.ts';
