// Shows a desktop notification when a job is done or has failed; clicking it brings the window up.
import { Notification } from 'electron';
import type { RedubApi } from '../shared/contract.js';
import { JobNotices } from './job-notices.js';

export function startJobNotifications(service: Pick<RedubApi, 'onEvent'>, onClick: () => void): () => void {
  if (!Notification.isSupported()) return () => undefined;
  const notices = new JobNotices();
  // Held so a notification is not garbage-collected (and its click lost) while it is on screen.
  const shown = new Set<Notification>();
  return service.onEvent((event) => {
    const notice = notices.noticeFor(event);
    if (!notice) return;
    const notification = new Notification({ title: notice.title, body: notice.body });
    shown.add(notification);
    notification.on('click', () => {
      shown.delete(notification);
      onClick();
    });
    notification.on('close', () => shown.delete(notification));
    notification.show();
  });
}
