import { Module } from '@nestjs/common';
import { DeadLetterPublisher } from './dead-letter.publisher';
import { DeadLetterRedrive } from './dead-letter-redrive.service';
import { DeadLetterStore } from '../../store/dead-letter.store';

/** Dead letters kept with their original bytes: recorded by the ingest, listed and redriven by operators. */
@Module({
  providers: [DeadLetterStore, DeadLetterPublisher, DeadLetterRedrive],
  exports: [DeadLetterStore, DeadLetterRedrive],
})
export class DeadLettersModule {}
