import { Module } from '@nestjs/common';
import { DeadLetterStore } from './dead-letter.store';

/** Dead letters kept with their original bytes: recorded by the ingest, listed and redriven by operators. */
@Module({
  providers: [DeadLetterStore],
  exports: [DeadLetterStore],
})
export class DeadLettersModule {}
