export { Topics, type TopicName } from './topics';
